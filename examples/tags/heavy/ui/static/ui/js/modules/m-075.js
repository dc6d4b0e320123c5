// ui module 075 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-106.js", "./m-016.js"];
  function init075(el) {
    if (!el) { return; }
    el.classList.add("c-075");
    el.setAttribute("data-module", "m-075");
    el.addEventListener("click", function () { el.classList.toggle("c-075--active"); });
    return { name: "m-075", deps: deps, weight: 49 };
  }
  root.ui = root.ui || {};
  root.ui["m-075"] = init075;
})(this);
