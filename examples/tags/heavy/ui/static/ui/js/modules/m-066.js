// ui module 066 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-079.js", "./m-091.js"];
  function init066(el) {
    if (!el) { return; }
    el.classList.add("c-066");
    el.setAttribute("data-module", "m-066");
    el.addEventListener("click", function () { el.classList.toggle("c-066--active"); });
    return { name: "m-066", deps: deps, weight: 19 };
  }
  root.ui = root.ui || {};
  root.ui["m-066"] = init066;
})(this);
