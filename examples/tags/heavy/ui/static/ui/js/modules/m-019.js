// ui module 019 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-058.js", "./m-096.js"];
  function init019(el) {
    if (!el) { return; }
    el.classList.add("c-019");
    el.setAttribute("data-module", "m-019");
    el.addEventListener("click", function () { el.classList.toggle("c-019--active"); });
    return { name: "m-019", deps: deps, weight: 98 };
  }
  root.ui = root.ui || {};
  root.ui["m-019"] = init019;
})(this);
