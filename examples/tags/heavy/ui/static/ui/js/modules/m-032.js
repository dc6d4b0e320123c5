// ui module 032 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-097.js", "./m-041.js"];
  function init032(el) {
    if (!el) { return; }
    el.classList.add("c-032");
    el.setAttribute("data-module", "m-032");
    el.addEventListener("click", function () { el.classList.toggle("c-032--active"); });
    return { name: "m-032", deps: deps, weight: 74 };
  }
  root.ui = root.ui || {};
  root.ui["m-032"] = init032;
})(this);
