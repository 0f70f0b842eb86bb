/* Cell renderers of the pages' grids (dash-ag-grid looks them up by name in this object). */
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

/* A status as the badge it is everywhere else (layouts/common.status_badge): the row carries the
   translated label as the cell's value and the Bootstrap colour as `status_color`. */
dagcomponentfuncs.StatusBadge = function (props) {
  var color = (props.data && props.data.status_color) || "secondary";
  return React.createElement("span", {className: "badge text-bg-" + color}, props.value);
};
