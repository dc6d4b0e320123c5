// ui module 009 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-028.js", "./m-046.js"];
  function init009(el) {
    if (!el) { return; }
    el.classList.add("c-009");
    el.setAttribute("data-module", "m-009");
    el.addEventListener("click", function () { el.classList.toggle("c-009--active"); });
    return { name: "m-009", deps: deps, weight: 31 };
  }
  root.ui = root.ui || {};
  root.ui["m-009"] = init009;
})(this);
