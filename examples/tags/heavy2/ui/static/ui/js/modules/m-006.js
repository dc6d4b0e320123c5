// ui module 006 (build 2)
(function (root) {
  "use strict";
  var deps = ["./m-019.js", "./m-031.js"];
  function init006(el) {
    if (!el) { return; }
    el.classList.add("c-006");
    el.setAttribute("data-module", "m-006");
    el.addEventListener("click", function () { el.classList.toggle("c-006--active"); });
    return { name: "m-006", deps: deps, weight: 22 };
  }
  root.ui = root.ui || {};
  root.ui["m-006"] = init006;
})(this);
