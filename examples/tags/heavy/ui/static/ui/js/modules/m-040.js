// ui module 040 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-001.js", "./m-081.js"];
  function init040(el) {
    if (!el) { return; }
    el.classList.add("c-040");
    el.setAttribute("data-module", "m-040");
    el.addEventListener("click", function () { el.classList.toggle("c-040--active"); });
    return { name: "m-040", deps: deps, weight: 67 };
  }
  root.ui = root.ui || {};
  root.ui["m-040"] = init040;
})(this);
