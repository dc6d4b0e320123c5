// ui module 024 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-073.js", "./m-001.js"];
  function init024(el) {
    if (!el) { return; }
    el.classList.add("c-024");
    el.setAttribute("data-module", "m-024");
    el.addEventListener("click", function () { el.classList.toggle("c-024--active"); });
    return { name: "m-024", deps: deps, weight: 81 };
  }
  root.ui = root.ui || {};
  root.ui["m-024"] = init024;
})(this);
