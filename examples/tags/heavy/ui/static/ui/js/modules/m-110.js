// ui module 110 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-091.js", "./m-071.js"];
  function init110(el) {
    if (!el) { return; }
    el.classList.add("c-030");
    el.setAttribute("data-module", "m-110");
    el.addEventListener("click", function () { el.classList.toggle("c-030--active"); });
    return { name: "m-110", deps: deps, weight: 31 };
  }
  root.ui = root.ui || {};
  root.ui["m-110"] = init110;
})(this);
