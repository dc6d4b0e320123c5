// ui module 044 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-013.js", "./m-101.js"];
  function init044(el) {
    if (!el) { return; }
    el.classList.add("c-044");
    el.setAttribute("data-module", "m-044");
    el.addEventListener("click", function () { el.classList.toggle("c-044--active"); });
    return { name: "m-044", deps: deps, weight: 13 };
  }
  root.ui = root.ui || {};
  root.ui["m-044"] = init044;
})(this);
