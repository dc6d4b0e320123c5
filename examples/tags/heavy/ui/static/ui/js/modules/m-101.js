// ui module 101 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-064.js", "./m-026.js"];
  function init101(el) {
    if (!el) { return; }
    el.classList.add("c-021");
    el.setAttribute("data-module", "m-101");
    el.addEventListener("click", function () { el.classList.toggle("c-021--active"); });
    return { name: "m-101", deps: deps, weight: 1 };
  }
  root.ui = root.ui || {};
  root.ui["m-101"] = init101;
})(this);
