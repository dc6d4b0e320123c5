// ui module 059 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-058.js", "./m-056.js"];
  function init059(el) {
    if (!el) { return; }
    el.classList.add("c-059");
    el.setAttribute("data-module", "m-059");
    el.addEventListener("click", function () { el.classList.toggle("c-059--active"); });
    return { name: "m-059", deps: deps, weight: 63 };
  }
  root.ui = root.ui || {};
  root.ui["m-059"] = init059;
})(this);
