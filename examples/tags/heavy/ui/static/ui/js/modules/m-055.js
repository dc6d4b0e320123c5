// ui module 055 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-046.js", "./m-036.js"];
  function init055(el) {
    if (!el) { return; }
    el.classList.add("c-055");
    el.setAttribute("data-module", "m-055");
    el.addEventListener("click", function () { el.classList.toggle("c-055--active"); });
    return { name: "m-055", deps: deps, weight: 16 };
  }
  root.ui = root.ui || {};
  root.ui["m-055"] = init055;
})(this);
