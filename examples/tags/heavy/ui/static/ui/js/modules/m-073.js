// ui module 073 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-100.js", "./m-006.js"];
  function init073(el) {
    if (!el) { return; }
    el.classList.add("c-073");
    el.setAttribute("data-module", "m-073");
    el.addEventListener("click", function () { el.classList.toggle("c-073--active"); });
    return { name: "m-073", deps: deps, weight: 76 };
  }
  root.ui = root.ui || {};
  root.ui["m-073"] = init073;
})(this);
