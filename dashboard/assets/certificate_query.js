/* Certificate query (/stats/certificates): clientside callbacks, namespace "certq". */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  certq: {
    /* New filters: the grid drops the pages it holds and asks the server again from the first page.
       A grid that found no rows asks for none until told there may be some (setRowCount). */
    refresh: function (query, gridId) {
      if (window.dash_ag_grid && window.dash_ag_grid.getApiAsync) {
        window.dash_ag_grid.getApiAsync(gridId).then(function (api) {
          api.setRowCount(1, false);
          api.paginationGoToFirstPage();
          api.purgeInfiniteCache();
        });
      }
      return Date.now();
    }
  }
});
