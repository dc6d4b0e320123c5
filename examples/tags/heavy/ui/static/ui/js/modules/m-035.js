// ui module 035 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-106.js", "./m-056.js"];
  function init035(el) {
    if (!el) { return; }
    el.classList.add("c-035");
    el.setAttribute("data-module", "m-035");
    el.addEventListener("click", function () { el.classList.toggle("c-035--active"); });
    return { name: "m-035", deps: deps, weight: 84 };
  }
  root.ui = root.ui || {};
  root.ui["m-035"] = init035;
})(this);
