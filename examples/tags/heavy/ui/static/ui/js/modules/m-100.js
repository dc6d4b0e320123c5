// ui module 100 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-061.js", "./m-021.js"];
  function init100(el) {
    if (!el) { return; }
    el.classList.add("c-020");
    el.setAttribute("data-module", "m-100");
    el.addEventListener("click", function () { el.classList.toggle("c-020--active"); });
    return { name: "m-100", deps: deps, weight: 65 };
  }
  root.ui = root.ui || {};
  root.ui["m-100"] = init100;
})(this);
