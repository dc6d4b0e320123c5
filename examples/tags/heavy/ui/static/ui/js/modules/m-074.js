// ui module 074 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-103.js", "./m-011.js"];
  function init074(el) {
    if (!el) { return; }
    el.classList.add("c-074");
    el.setAttribute("data-module", "m-074");
    el.addEventListener("click", function () { el.classList.toggle("c-074--active"); });
    return { name: "m-074", deps: deps, weight: 12 };
  }
  root.ui = root.ui || {};
  root.ui["m-074"] = init074;
})(this);
