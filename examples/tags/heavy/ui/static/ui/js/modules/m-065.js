// ui module 065 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-076.js", "./m-086.js"];
  function init065(el) {
    if (!el) { return; }
    el.classList.add("c-065");
    el.setAttribute("data-module", "m-065");
    el.addEventListener("click", function () { el.classList.toggle("c-065--active"); });
    return { name: "m-065", deps: deps, weight: 83 };
  }
  root.ui = root.ui || {};
  root.ui["m-065"] = init065;
})(this);
