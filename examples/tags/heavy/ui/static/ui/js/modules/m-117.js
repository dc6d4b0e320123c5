// ui module 117 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-112.js", "./m-106.js"];
  function init117(el) {
    if (!el) { return; }
    el.classList.add("c-037");
    el.setAttribute("data-module", "m-117");
    el.addEventListener("click", function () { el.classList.toggle("c-037--active"); });
    return { name: "m-117", deps: deps, weight: 88 };
  }
  root.ui = root.ui || {};
  root.ui["m-117"] = init117;
})(this);
