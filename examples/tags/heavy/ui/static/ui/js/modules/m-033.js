// ui module 033 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-100.js", "./m-046.js"];
  function init033(el) {
    if (!el) { return; }
    el.classList.add("c-033");
    el.setAttribute("data-module", "m-033");
    el.addEventListener("click", function () { el.classList.toggle("c-033--active"); });
    return { name: "m-033", deps: deps, weight: 10 };
  }
  root.ui = root.ui || {};
  root.ui["m-033"] = init033;
})(this);
