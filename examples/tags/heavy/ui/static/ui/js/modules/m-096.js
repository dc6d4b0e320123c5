// ui module 096 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-049.js", "./m-001.js"];
  function init096(el) {
    if (!el) { return; }
    el.classList.add("c-016");
    el.setAttribute("data-module", "m-096");
    el.addEventListener("click", function () { el.classList.toggle("c-016--active"); });
    return { name: "m-096", deps: deps, weight: 18 };
  }
  root.ui = root.ui || {};
  root.ui["m-096"] = init096;
})(this);
