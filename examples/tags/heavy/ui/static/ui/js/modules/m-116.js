// ui module 116 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-109.js", "./m-101.js"];
  function init116(el) {
    if (!el) { return; }
    el.classList.add("c-036");
    el.setAttribute("data-module", "m-116");
    el.addEventListener("click", function () { el.classList.toggle("c-036--active"); });
    return { name: "m-116", deps: deps, weight: 51 };
  }
  root.ui = root.ui || {};
  root.ui["m-116"] = init116;
})(this);
