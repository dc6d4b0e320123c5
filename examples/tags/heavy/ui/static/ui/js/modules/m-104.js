// ui module 104 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-073.js", "./m-041.js"];
  function init104(el) {
    if (!el) { return; }
    el.classList.add("c-024");
    el.setAttribute("data-module", "m-104");
    el.addEventListener("click", function () { el.classList.toggle("c-024--active"); });
    return { name: "m-104", deps: deps, weight: 11 };
  }
  root.ui = root.ui || {};
  root.ui["m-104"] = init104;
})(this);
