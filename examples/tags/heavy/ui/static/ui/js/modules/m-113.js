// ui module 113 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-100.js", "./m-086.js"];
  function init113(el) {
    if (!el) { return; }
    el.classList.add("c-033");
    el.setAttribute("data-module", "m-113");
    el.addEventListener("click", function () { el.classList.toggle("c-033--active"); });
    return { name: "m-113", deps: deps, weight: 41 };
  }
  root.ui = root.ui || {};
  root.ui["m-113"] = init113;
})(this);
