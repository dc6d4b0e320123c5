// ui module 063 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-070.js", "./m-076.js"];
  function init063(el) {
    if (!el) { return; }
    el.classList.add("c-063");
    el.setAttribute("data-module", "m-063");
    el.addEventListener("click", function () { el.classList.toggle("c-063--active"); });
    return { name: "m-063", deps: deps, weight: 9 };
  }
  root.ui = root.ui || {};
  root.ui["m-063"] = init063;
})(this);
