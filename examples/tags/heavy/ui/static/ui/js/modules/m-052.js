// ui module 052 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-037.js", "./m-021.js"];
  function init052(el) {
    if (!el) { return; }
    el.classList.add("c-052");
    el.setAttribute("data-module", "m-052");
    el.addEventListener("click", function () { el.classList.toggle("c-052--active"); });
    return { name: "m-052", deps: deps, weight: 6 };
  }
  root.ui = root.ui || {};
  root.ui["m-052"] = init052;
})(this);
