// ui module 001 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-004.js", "./m-006.js"];
  function init001(el) {
    if (!el) { return; }
    el.classList.add("c-001");
    el.setAttribute("data-module", "m-001");
    el.addEventListener("click", function () { el.classList.toggle("c-001--active"); });
    return { name: "m-001", deps: deps, weight: 38 };
  }
  root.ui = root.ui || {};
  root.ui["m-001"] = init001;
})(this);
