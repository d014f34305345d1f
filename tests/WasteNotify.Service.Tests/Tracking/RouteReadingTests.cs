using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using WasteNotify.Core.City;
using WasteNotify.FleetSimulator.Simulation;
using WasteNotify.Service.City;
using WasteNotify.Service.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Tracking;

public sealed class RouteReadingTests
{
    [Fact]
    public async Task Every_route_of_the_demo_fleet_read_back_locates_its_stops_where_the_planner_put_them()
    {
        // The demo's fleet (four trucks of 60 buildings): one of its routes serves a corner twice, which a stop search
        // wider than the tracker's once placed at the second pass, leaving the next stop "behind" it.
        var plan = FleetPlan.Create(citySeed: 1, trucks: 4, buildingsPerTruck: 60, seed: 1);
        await using var db = await TestDatabase.CreateAsync();
        await using var service = await ServiceHost.StartAsync(db.ConnectionString);
        var dataSource = service.App.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using var tx = await connection.BeginTransactionAsync();
            foreach (var building in plan.Buildings)
            {
                await using var insert = new NpgsqlCommand("INSERT INTO buildings (id, address, lat, lon, bins) VALUES (@id, 'x', @lat, @lon, @bins)", connection, tx);
                insert.Parameters.AddWithValue("id", building.Id);
                insert.Parameters.AddWithValue("lat", building.Position.Latitude);
                insert.Parameters.AddWithValue("lon", building.Position.Longitude);
                insert.Parameters.AddWithValue("bins", building.Bins);
                await insert.ExecuteNonQueryAsync();
            }

            foreach (var (id, stops, path) in plan.Routes)
            {
                await RouteStore.SaveAsync(connection, tx, new CollectionRoute(id, null, [.. stops.Select(s => s.BuildingId)], path, null), CancellationToken.None);
            }

            await tx.CommitAsync();
        }

        var city = await service.App.Services.GetRequiredService<CityMap>().GetAsync(CancellationToken.None);
        for (var t = 0; t < plan.Routes.Count; t++)
        {
            var read = await RunRecords.RouteAsync(dataSource, plan.Routes[t].TruckId, city, CancellationToken.None);
            Assert.NotNull(read);
            Assert.Equal(plan.Tracked(t).StopOffsets, read.StopOffsets);
            Assert.Equal(plan.Routes[t].Stops.Select(s => s.Bins), read.Bins);
        }
    }
}
