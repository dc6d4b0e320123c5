// ui module 013 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-040.js", "./m-066.js"];
  function init013(el) {
    if (!el) { return; }
    el.classList.add("c-013");
    el.setAttribute("data-module", "m-013");
    el.addEventListener("click", function () { el.classList.toggle("c-013--active"); });
    return { name: "m-013", deps: deps, weight: 78 };
  }
  root.ui = root.ui || {};
  root.ui["m-013"] = init013;
})(this);
