// ui module 064 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-073.js", "./m-081.js"];
  function init064(el) {
    if (!el) { return; }
    el.classList.add("c-064");
    el.setAttribute("data-module", "m-064");
    el.addEventListener("click", function () { el.classList.toggle("c-064--active"); });
    return { name: "m-064", deps: deps, weight: 46 };
  }
  root.ui = root.ui || {};
  root.ui["m-064"] = init064;
})(this);
