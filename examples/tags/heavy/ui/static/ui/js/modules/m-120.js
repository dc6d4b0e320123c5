// ui module 120 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-001.js", "./m-001.js"];
  function init120(el) {
    if (!el) { return; }
    el.classList.add("c-040");
    el.setAttribute("data-module", "m-120");
    el.addEventListener("click", function () { el.classList.toggle("c-040--active"); });
    return { name: "m-120", deps: deps, weight: 98 };
  }
  root.ui = root.ui || {};
  root.ui["m-120"] = init120;
})(this);
