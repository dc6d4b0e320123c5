// ui module 030 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-091.js", "./m-031.js"];
  function init030(el) {
    if (!el) { return; }
    el.classList.add("c-030");
    el.setAttribute("data-module", "m-030");
    el.addEventListener("click", function () { el.classList.toggle("c-030--active"); });
    return { name: "m-030", deps: deps, weight: 0 };
  }
  root.ui = root.ui || {};
  root.ui["m-030"] = init030;
})(this);
