// ui module 018 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-055.js", "./m-091.js"];
  function init018(el) {
    if (!el) { return; }
    el.classList.add("c-018");
    el.setAttribute("data-module", "m-018");
    el.addEventListener("click", function () { el.classList.toggle("c-018--active"); });
    return { name: "m-018", deps: deps, weight: 61 };
  }
  root.ui = root.ui || {};
  root.ui["m-018"] = init018;
})(this);
