// ui module 098 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-055.js", "./m-011.js"];
  function init098(el) {
    if (!el) { return; }
    el.classList.add("c-018");
    el.setAttribute("data-module", "m-098");
    el.addEventListener("click", function () { el.classList.toggle("c-018--active"); });
    return { name: "m-098", deps: deps, weight: 92 };
  }
  root.ui = root.ui || {};
  root.ui["m-098"] = init098;
})(this);
