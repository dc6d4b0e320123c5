// ui module 034 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-103.js", "./m-051.js"];
  function init034(el) {
    if (!el) { return; }
    el.classList.add("c-034");
    el.setAttribute("data-module", "m-034");
    el.addEventListener("click", function () { el.classList.toggle("c-034--active"); });
    return { name: "m-034", deps: deps, weight: 47 };
  }
  root.ui = root.ui || {};
  root.ui["m-034"] = init034;
})(this);
