// ui module 002 (build 2)
(function (root) {
  "use strict";
  var deps = ["./m-007.js", "./m-011.js"];
  function init002(el) {
    if (!el) { return; }
    el.classList.add("c-002");
    el.setAttribute("data-module", "m-002");
    el.addEventListener("click", function () { el.classList.toggle("c-002--active"); });
    return { name: "m-002", deps: deps, weight: 76 };
  }
  root.ui = root.ui || {};
  root.ui["m-002"] = init002;
})(this);
