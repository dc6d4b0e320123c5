// ui module 048 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-025.js", "./m-001.js"];
  function init048(el) {
    if (!el) { return; }
    el.classList.add("c-048");
    el.setAttribute("data-module", "m-048");
    el.addEventListener("click", function () { el.classList.toggle("c-048--active"); });
    return { name: "m-048", deps: deps, weight: 60 };
  }
  root.ui = root.ui || {};
  root.ui["m-048"] = init048;
})(this);
