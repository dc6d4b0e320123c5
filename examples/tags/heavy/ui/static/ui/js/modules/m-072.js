// ui module 072 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-097.js", "./m-001.js"];
  function init072(el) {
    if (!el) { return; }
    el.classList.add("c-072");
    el.setAttribute("data-module", "m-072");
    el.addEventListener("click", function () { el.classList.toggle("c-072--active"); });
    return { name: "m-072", deps: deps, weight: 39 };
  }
  root.ui = root.ui || {};
  root.ui["m-072"] = init072;
})(this);
