// ui module 016 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-049.js", "./m-081.js"];
  function init016(el) {
    if (!el) { return; }
    el.classList.add("c-016");
    el.setAttribute("data-module", "m-016");
    el.addEventListener("click", function () { el.classList.toggle("c-016--active"); });
    return { name: "m-016", deps: deps, weight: 88 };
  }
  root.ui = root.ui || {};
  root.ui["m-016"] = init016;
})(this);
