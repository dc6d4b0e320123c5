// ui module 015 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-046.js", "./m-076.js"];
  function init015(el) {
    if (!el) { return; }
    el.classList.add("c-015");
    el.setAttribute("data-module", "m-015");
    el.addEventListener("click", function () { el.classList.toggle("c-015--active"); });
    return { name: "m-015", deps: deps, weight: 51 };
  }
  root.ui = root.ui || {};
  root.ui["m-015"] = init015;
})(this);
