// ui module 105 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-076.js", "./m-046.js"];
  function init105(el) {
    if (!el) { return; }
    el.classList.add("c-025");
    el.setAttribute("data-module", "m-105");
    el.addEventListener("click", function () { el.classList.toggle("c-025--active"); });
    return { name: "m-105", deps: deps, weight: 48 };
  }
  root.ui = root.ui || {};
  root.ui["m-105"] = init105;
})(this);
