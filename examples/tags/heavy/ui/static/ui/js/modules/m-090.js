// ui module 090 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-031.js", "./m-091.js"];
  function init090(el) {
    if (!el) { return; }
    el.classList.add("c-010");
    el.setAttribute("data-module", "m-090");
    el.addEventListener("click", function () { el.classList.toggle("c-010--active"); });
    return { name: "m-090", deps: deps, weight: 99 };
  }
  root.ui = root.ui || {};
  root.ui["m-090"] = init090;
})(this);
