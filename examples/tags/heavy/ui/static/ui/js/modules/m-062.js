// ui module 062 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-067.js", "./m-071.js"];
  function init062(el) {
    if (!el) { return; }
    el.classList.add("c-062");
    el.setAttribute("data-module", "m-062");
    el.addEventListener("click", function () { el.classList.toggle("c-062--active"); });
    return { name: "m-062", deps: deps, weight: 73 };
  }
  root.ui = root.ui || {};
  root.ui["m-062"] = init062;
})(this);
