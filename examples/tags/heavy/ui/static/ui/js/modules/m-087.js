// ui module 087 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-022.js", "./m-076.js"];
  function init087(el) {
    if (!el) { return; }
    el.classList.add("c-007");
    el.setAttribute("data-module", "m-087");
    el.addEventListener("click", function () { el.classList.toggle("c-007--active"); });
    return { name: "m-087", deps: deps, weight: 89 };
  }
  root.ui = root.ui || {};
  root.ui["m-087"] = init087;
})(this);
