// ui module 011 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-034.js", "./m-056.js"];
  function init011(el) {
    if (!el) { return; }
    el.classList.add("c-011");
    el.setAttribute("data-module", "m-011");
    el.addEventListener("click", function () { el.classList.toggle("c-011--active"); });
    return { name: "m-011", deps: deps, weight: 4 };
  }
  root.ui = root.ui || {};
  root.ui["m-011"] = init011;
})(this);
