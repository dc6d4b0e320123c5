// ui module 112 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-097.js", "./m-081.js"];
  function init112(el) {
    if (!el) { return; }
    el.classList.add("c-032");
    el.setAttribute("data-module", "m-112");
    el.addEventListener("click", function () { el.classList.toggle("c-032--active"); });
    return { name: "m-112", deps: deps, weight: 4 };
  }
  root.ui = root.ui || {};
  root.ui["m-112"] = init112;
})(this);
