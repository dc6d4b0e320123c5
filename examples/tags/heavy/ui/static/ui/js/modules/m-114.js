// ui module 114 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-103.js", "./m-091.js"];
  function init114(el) {
    if (!el) { return; }
    el.classList.add("c-034");
    el.setAttribute("data-module", "m-114");
    el.addEventListener("click", function () { el.classList.toggle("c-034--active"); });
    return { name: "m-114", deps: deps, weight: 78 };
  }
  root.ui = root.ui || {};
  root.ui["m-114"] = init114;
})(this);
