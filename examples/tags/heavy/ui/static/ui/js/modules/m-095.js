// ui module 095 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-046.js", "./m-116.js"];
  function init095(el) {
    if (!el) { return; }
    el.classList.add("c-015");
    el.setAttribute("data-module", "m-095");
    el.addEventListener("click", function () { el.classList.toggle("c-015--active"); });
    return { name: "m-095", deps: deps, weight: 82 };
  }
  root.ui = root.ui || {};
  root.ui["m-095"] = init095;
})(this);
