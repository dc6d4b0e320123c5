// ui module 045 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-016.js", "./m-106.js"];
  function init045(el) {
    if (!el) { return; }
    el.classList.add("c-045");
    el.setAttribute("data-module", "m-045");
    el.addEventListener("click", function () { el.classList.toggle("c-045--active"); });
    return { name: "m-045", deps: deps, weight: 50 };
  }
  root.ui = root.ui || {};
  root.ui["m-045"] = init045;
})(this);
