// ui module 084 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-013.js", "./m-061.js"];
  function init084(el) {
    if (!el) { return; }
    el.classList.add("c-004");
    el.setAttribute("data-module", "m-084");
    el.addEventListener("click", function () { el.classList.toggle("c-004--active"); });
    return { name: "m-084", deps: deps, weight: 79 };
  }
  root.ui = root.ui || {};
  root.ui["m-084"] = init084;
})(this);
