// ui module 010 (build 2)
(function (root) {
  "use strict";
  var deps = ["./m-031.js", "./m-051.js"];
  function init010(el) {
    if (!el) { return; }
    el.classList.add("c-010");
    el.setAttribute("data-module", "m-010");
    el.addEventListener("click", function () { el.classList.toggle("c-010--active"); });
    return { name: "m-010", deps: deps, weight: 69 };
  }
  root.ui = root.ui || {};
  root.ui["m-010"] = init010;
})(this);
