// ui module 042 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-007.js", "./m-091.js"];
  function init042(el) {
    if (!el) { return; }
    el.classList.add("c-042");
    el.setAttribute("data-module", "m-042");
    el.addEventListener("click", function () { el.classList.toggle("c-042--active"); });
    return { name: "m-042", deps: deps, weight: 40 };
  }
  root.ui = root.ui || {};
  root.ui["m-042"] = init042;
})(this);
