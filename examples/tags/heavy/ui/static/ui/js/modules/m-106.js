// ui module 106 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-079.js", "./m-051.js"];
  function init106(el) {
    if (!el) { return; }
    el.classList.add("c-026");
    el.setAttribute("data-module", "m-106");
    el.addEventListener("click", function () { el.classList.toggle("c-026--active"); });
    return { name: "m-106", deps: deps, weight: 85 };
  }
  root.ui = root.ui || {};
  root.ui["m-106"] = init106;
})(this);
