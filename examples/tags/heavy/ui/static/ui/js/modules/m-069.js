// ui module 069 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-088.js", "./m-106.js"];
  function init069(el) {
    if (!el) { return; }
    el.classList.add("c-069");
    el.setAttribute("data-module", "m-069");
    el.addEventListener("click", function () { el.classList.toggle("c-069--active"); });
    return { name: "m-069", deps: deps, weight: 29 };
  }
  root.ui = root.ui || {};
  root.ui["m-069"] = init069;
})(this);
